/**
 * Grafana data frames for the backend: the only module that knows Apache Arrow.
 * Build a Frame (builders), check it (`checkFrame`), then encode it: `toArrowIpc` for QueryData responses,
 * `toFrameJson` for streaming packets. See docs/frames.md.
 */
export * from './frame';
export * from './builders';
export { toArrowIpc, fromArrowIpc } from './arrowIpc';
export { toFrameJson } from './frameJson';
export type { FrameJsonInclude } from './frameJson';
export { diffArrowFiles } from './arrowDiff';
