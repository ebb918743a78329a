#!/usr/bin/env node
// Entry point for `npx deska`: Node 24 runs the TypeScript sources directly (type stripping).
// run() turns any failure into one plain line on stderr and an exit code, never a stack trace.
import { run } from '../src-main/cli.ts';

process.exitCode = await run(process.argv.slice(2));
