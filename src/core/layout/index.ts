// Graph layout for the editor and the CLI: ONNX graph → boxes, edges and positions (pure, no DOM), plus the SVG drawing.
export { layeredLayout, type LayoutNodeInput, type LayoutEdgeInput, type LayoutOptions, type LayeredResult } from './layered';
export { layoutModel, layoutPrepared, resolveExpanded, layoutCacheKey, type ModelLayoutOptions } from './graph-layout';
export { prepareGraph, buildViewGraph, modelOutline, formatShape, type PreparedGraph, type ValueShapes } from './model-graph';
export { buildScopeTree, defaultExpanded, allScopes, scopeOf, scopesToReveal, groupOf } from './scopes';
export { opCategory, CATEGORY_COLORS, CATEGORY_LABELS, CATEGORIES, type OpCategory } from './categories';
export { renderSvg, type SvgOptions } from './svg';
export { GraphSession, subgraphAt, type GraphSessionOptions } from './session';
export { nodeDetails, weightStats, statsOf, attributeText } from './details';
export type { GraphLayout, LaidNode, LaidEdge, BoxRow, ModelOutline, OutlineNode, NodeDetails, TensorDetail, WeightStats } from './types';
