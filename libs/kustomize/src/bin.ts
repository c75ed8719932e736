#!/usr/bin/env node
// Standalone entry for the corpus runner until `flotilla kustomize build` exists in libs/cli.
import { kustomizeBuildCommand } from './cli.js';

process.exitCode = await kustomizeBuildCommand(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
