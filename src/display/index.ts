export { isDisplayable, type Displayable, type MimeBundle } from "./mime";
export { display, newDisplayHandle, mimeBundleOf, type DisplayHandle } from "./display";
export { dataFrameToHtml, tableToHtml, escapeHtml, formatNumber, type HtmlTableOptions } from "./html-table";
export { table } from "./table";
