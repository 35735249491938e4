/**
 * `street-news/no-cycle`: an import that closes a cycle among our own modules.
 *
 * Unlike import-x/no-cycle, every kind of import counts: `import type`, re-exports and
 * `await import()` (ARCHITECTURE.md: "No import cycle, not even through `await import()`,
 * and type imports count too"). The graph is read with TypeScript's own pre-processor and
 * resolver (the project's tsconfig), so it follows what `tsc` follows; packages are left out.
 */
import fs from 'node:fs'
import path from 'node:path'

import ts from 'typescript'

let compilerOptions
function options(cwd) {
  if (compilerOptions) return compilerOptions
  const file = ts.findConfigFile(cwd, ts.sys.fileExists, 'tsconfig.json')
  const parsed = file ? ts.parseJsonConfigFileContent(ts.readConfigFile(file, ts.sys.readFile).config, ts.sys, path.dirname(file)) : undefined
  compilerOptions = parsed?.options ?? { moduleResolution: ts.ModuleResolutionKind.Bundler }
  return compilerOptions
}

/** file → its own modules it imports, cached by modification time. */
const graph = new Map()

function resolve(specifier, from, cwd) {
  const r = ts.resolveModuleName(specifier, from, options(cwd), ts.sys).resolvedModule
  if (!r || r.isExternalLibraryImport || r.resolvedFileName.endsWith('.d.ts')) return undefined
  if (r.resolvedFileName.includes(`${path.sep}node_modules${path.sep}`)) return undefined
  return path.resolve(r.resolvedFileName)
}

function importsOf(file, cwd) {
  let mtime
  try {
    mtime = fs.statSync(file).mtimeMs
  } catch {
    return []
  }
  const cached = graph.get(file)
  if (cached && cached.mtime === mtime) return cached.deps
  const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true)
  const deps = [...new Set(info.importedFiles.map((f) => resolve(f.fileName, file, cwd)).filter(Boolean))]
  graph.set(file, { mtime, deps })
  return deps
}

/** The shortest route from `start` back to `target`, or undefined. */
function routeBack(start, target, cwd) {
  const previous = new Map([[start, null]])
  const queue = [start]
  while (queue.length) {
    const at = queue.shift()
    for (const next of importsOf(at, cwd)) {
      if (next === target) {
        const route = [at]
        for (let p = previous.get(at); p; p = previous.get(p)) route.unshift(p)
        return route
      }
      if (!previous.has(next)) (previous.set(next, at), queue.push(next))
    }
  }
  return undefined
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid an import (static, type-only or dynamic) that closes a cycle among our own modules.' },
    schema: [],
    messages: { cycle: 'Import cycle: {{route}}' },
  },
  create(context) {
    const file = path.resolve(context.physicalFilename)
    const cwd = context.cwd
    const check = (node, source) => {
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return
      const target = resolve(source.value, file, cwd)
      if (!target || target === file) return
      const route = routeBack(target, file, cwd)
      if (!route) return
      const names = [file, ...route, file].map((f) => path.relative(cwd, f))
      context.report({ node, messageId: 'cycle', data: { route: names.join(' → ') } })
    }
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
      TSImportEqualsDeclaration: (node) => check(node, node.moduleReference?.expression),
    }
  },
}
