/**
 * The commands of a Markdown file's ```sh blocks, as the READMEs' tests run them: continuation
 * lines joined, comments (whole lines or trailing) dropped, each with the number of its block (1-based).
 */
export function shCommands(markdown: string): { block: number; command: string }[] {
  const out: { block: number; command: string }[] = [];
  let block = 0;
  for (const m of markdown.matchAll(/```sh\n([\s\S]*?)```/g)) {
    block++;
    const joined = m[1]!.replace(/\\\n\s*/g, ' ');
    for (const line of joined.split('\n')) {
      const command = line.replace(/(^|\s+)#.*$/, '').trim();
      if (command) out.push({ block, command });
    }
  }
  return out;
}
