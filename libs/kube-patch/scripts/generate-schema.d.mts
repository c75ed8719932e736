// Types for the generator, so the conformance test can regenerate in memory.

export declare const SPEC_PATH: string;
export declare const OUTPUT_PATH: string;
export declare function shortName(definitionName: string): string;
export declare function compactSchemas(spec: unknown): {
  kinds: Map<string, string>;
  definitions: Map<string, unknown>;
};
export declare function renderBuiltinSchemas(spec: unknown): Promise<string>;
export declare function readSpec(path?: string): Promise<unknown>;
