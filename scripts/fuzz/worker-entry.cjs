// Worker threads do not inherit tsx's loader on Node 20: register it here, then run the TypeScript worker.
require('tsx/cjs/api').register();
require('./worker.ts');
