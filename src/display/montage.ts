/**
 * A grid of greyscale images (a montage) as one PNG, encoded by pngjs, shown in Jupyter as an
 * `image/png` display bundle (nbconvert keeps it in the HTML report).
 */
import { PNG } from "pngjs";
import type { Displayable, MimeBundle } from "./mime";

export interface MontageOptions {
  /** Image height and width in pixels; each image is a row-major array of height · width values. Default 28 x 28. */
  height?: number;
  width?: number;
  /** Images per row of the grid. Default: all in one row, at most 10. */
  columns?: number;
  /** Each pixel drawn as scale x scale screen pixels. Default 2. */
  scale?: number;
  /** Pixels of background between images. Default 2. */
  gap?: number;
  /** Value range mapped to black..white; values outside are clipped. Default [0, 1]. */
  range?: [number, number];
  /** Text alternative (text/plain), e.g. what the rows show. */
  title?: string;
}

/** A montage PNG that displays itself in a notebook; `png` holds the encoded bytes. */
export class ImageMontage implements Displayable {
  constructor(
    readonly png: Buffer,
    readonly widthPx: number,
    readonly heightPx: number,
    readonly count: number,
    readonly title: string,
  ) {}

  toMimeBundle(): MimeBundle {
    return { "image/png": this.png.toString("base64"), "text/plain": `${this.title} (${this.count} images, ${this.widthPx} x ${this.heightPx} PNG)` };
  }
}

/**
 * Lays images out on a grid (row by row) and encodes it as a PNG.
 *
 * @example
 * display(montage(fashionMnistRows(test, [0, 1, 2, 3]), { columns: 4, title: "four test images" }));
 * // originals above their reconstructions:
 * display(montage([...top, ...cae.reconstruct(top)], { columns: top.length }));
 */
export function montage(images: ArrayLike<number>[], options: MontageOptions = {}): ImageMontage {
  const height = positiveInteger(options.height ?? 28, "height");
  const width = positiveInteger(options.width ?? 28, "width");
  const scale = positiveInteger(options.scale ?? 2, "scale");
  const gap = options.gap ?? 2;
  if (!Number.isInteger(gap) || gap < 0) throw new RangeError(`montage: gap must be a non-negative integer, got ${gap}`);
  if (!Array.isArray(images) || images.length === 0) throw new RangeError("montage: images must be a non-empty array of pixel arrays");
  const columns = positiveInteger(options.columns ?? Math.min(images.length, 10), "columns");
  const [low, high] = options.range ?? [0, 1];
  if (!(Number.isFinite(low) && Number.isFinite(high) && high > low)) throw new RangeError(`montage: range must be [low, high] with low < high, got [${low}, ${high}]`);
  const rows = Math.ceil(images.length / columns);
  const cellW = width * scale, cellH = height * scale;
  const png = new PNG({ width: gap + columns * (cellW + gap), height: gap + rows * (cellH + gap), colorType: 6 });
  png.data.fill(255); // white background (opaque)
  images.forEach((image, k) => {
    if (image.length !== height * width) throw new RangeError(`montage: image ${k} has ${image.length} values, ${height} x ${width} needs ${height * width}`);
    const x0 = gap + (k % columns) * (cellW + gap);
    const y0 = gap + Math.floor(k / columns) * (cellH + gap);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v = image[y * width + x]!;
        if (!Number.isFinite(v)) throw new RangeError(`montage: image ${k}, pixel (${y}, ${x}) is ${v}`);
        const grey = Math.round(255 * Math.min(1, Math.max(0, (v - low) / (high - low))));
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) {
            const at = ((y0 + y * scale + dy) * png.width + x0 + x * scale + dx) * 4;
            png.data[at] = png.data[at + 1] = png.data[at + 2] = grey;
          }
        }
      }
    }
  });
  const bytes = PNG.sync.write(png);
  return new ImageMontage(bytes, png.width, png.height, images.length, options.title ?? "image montage");
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`montage: ${name} must be a positive integer, got ${value}`);
  return value;
}
