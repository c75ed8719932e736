#!/usr/bin/env node
import { main } from './main.js';

const code = await main(process.argv.slice(2));
// `run` keeps the process alive until a signal; other commands end here.
if (code !== 0) process.exit(code);
