/** A config whose size and content change with every generation, so a torn write shows. */
export function renderGeneration(generation: number): string {
  const padding = 'x'.repeat((generation % 37) * 211);
  return `// generation ${generation}\n${JSON.stringify({ gateway: { port: 10000 + generation }, meta: { lastTouchedAt: padding } }, null, 2)}\n`;
}
