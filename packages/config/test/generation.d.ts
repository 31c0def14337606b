/** A config whose size and content change with every generation, so a torn write shows. */
export declare function renderGeneration(generation: number): string;
