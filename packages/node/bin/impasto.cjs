#!/usr/bin/env node
'use strict';
require('../dist/cli.cjs').main().catch((e) => {
  process.stderr.write(`impasto: ${e && e.message ? e.message.split('\n')[0] : e}\n`);
  process.exit(1);
});
