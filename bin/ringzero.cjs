#!/usr/bin/env node
// CommonJS, like dist/start.cjs: an ES module entry point would cost the ESM loader at every start.
require('../dist/start.cjs');
