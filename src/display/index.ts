export { isDisplayable, mimeText, type Displayable, type JsonMimeContent, type MimeBundle } from "./mime";
export { display, newDisplayHandle, mimeBundleOf, type DisplayHandle } from "./display";
export { dataFrameToHtml, tableToHtml, escapeHtml, formatNumber, type HtmlTableOptions } from "./html-table";
export { table } from "./table";
export { formatLikeNumpy } from "./numpy-format";
export { progressBar, type ProgressBar, type ProgressBarOptions } from "./progress";
export { ImageMontage, montage, type MontageOptions } from "./montage";
