// How the time-series code tells the user about a result they should not trust blindly (a reference
// implementation that says nothing there): one line on stderr, which a notebook shows under the cell.

/**
 * Prints `Warning: <message>` on stderr.
 *
 * @example printWarning("seasonalHybridEsd: the MAD of the residual (points 0-139) is 0 at ESD step 2 of 7: ...");
 */
export function printWarning(message: string): void {
  console.warn(`Warning: ${message}`);
}
