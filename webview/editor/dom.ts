// The editor page builds its DOM with the graph view's helper: text always goes through textContent, so names from
// a model file can never inject markup.

export { h as el } from '../graph/dom';
