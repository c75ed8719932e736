/**
 * Parse trees are immutable once built, so the engine keeps the trees of recently parsed template
 * texts (chart files re-rendered, tpl strings evaluated many times) and re-associates them
 * instead of parsing again. Keys include the name (error positions name it) and the text; the
 * engine's function names never change, so the parse-time function check stays valid.
 */
import { Tree, type Template } from '@flotilla/gotemplate';

const MAX_ENTRIES = 4096;
/** Texts above this size are parsed every time rather than held in memory. */
const MAX_CACHED_TEXT = 1024 * 1024;
const PARSE_MODE = { parseComments: false, skipFuncCheck: false, maxParenDepth: 10000 };

const cache = new Map<string, Map<string, Tree>>();

function parseTrees(t: Template, name: string, text: string): Map<string, Tree> {
  const treeSet = new Map<string, Tree>();
  Tree.parse(name, text, {
    treeSet,
    hasFunction: (fn) => t.findFunction(fn) !== undefined,
    mode: PARSE_MODE,
  });
  return treeSet;
}

/** Like `t.new(name).parse(text)` with the engine's default delimiters; throws ParseError. */
export function parseInto(t: Template, name: string, text: string): Template {
  const key = `${name}\u0000${text}`;
  let trees = cache.get(key);
  if (trees) {
    // Refresh recency (Map keeps insertion order).
    cache.delete(key);
    cache.set(key, trees);
  } else {
    trees = parseTrees(t, name, text);
    if (text.length <= MAX_CACHED_TEXT) {
      cache.set(key, trees);
      if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
    }
  }
  const nt = t.new(name);
  for (const [n, tree] of trees) nt.addParseTree(n, tree);
  return nt;
}
