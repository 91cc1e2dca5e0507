/**
 * `tollgate router eval [--exemplars <tsv>] [--no-embedding] [--misses]`: how the current router
 * does on the team's labelled prompts (`.tollgate/router-exemplars.tsv` by default): accuracy,
 * share routed below / above the label, by the shipped model alone and by the live router (model +
 * the other exemplars, leave-one-out). Embeds with the bundled USE-lite model, offline.
 */
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { DEFAULT_POLICY_FILE } from '../export/plan';
import { TIERS } from '../policy/schema';
import { CliError, printable, readText, resolveFrom } from './common';

export function routerCommand(): Command {
  const cmd = new Command('router').description('the learned tier router: evaluate it on the team exemplars');
  cmd
    .command('eval')
    .description("report the current router on the team's exemplar file")
    .option('-e, --exemplars <file>', 'exemplar file', '.tollgate/router-exemplars.tsv')
    .option('--no-embedding', 'cheap features only (what the router does while no embedding model is loaded)')
    .option('--misses', 'list the exemplars the live router gets wrong')
    .action(async (opts: { exemplars: string; embedding: boolean; misses?: boolean }) => {
      const [{ parseExemplars }, { evaluateTeamExemplars }, { shippedRouterModel }, { EMBED_MAX_CHARS }] = await Promise.all([
        import('../routing/teamExemplars'),
        import('../routing/teamEval'),
        import('../routing/learned/router'),
        import('../routing/embedding'),
      ]);
      const file = resolveFrom(process.cwd(), opts.exemplars);
      if (!existsSync(file)) throw new CliError(`no exemplar file at ${file} (it lives beside ${DEFAULT_POLICY_FILE}; the dashboard writes it when you mark a routed call).`);
      const { exemplars, problems } = parseExemplars(readText(file));
      for (const p of problems) console.error(printable(`${file}: ${p}`));
      if (exemplars.length === 0) throw new CliError(`${file} has no usable exemplars (header prompt<TAB>tier<TAB>reason; tiers ${TIERS.join(', ')}).`);
      const model = shippedRouterModel();
      let vectors: Float32Array[] | undefined;
      if (opts.embedding) {
        const { openUseLiteEmbedder } = await import('../embedding/backends/use-lite');
        const embedder = await openUseLiteEmbedder();
        try {
          vectors = [];
          for (let i = 0; i < exemplars.length; i += 32) vectors.push(...(await embedder.embed(exemplars.slice(i, i + 32).map((e) => e.prompt.slice(0, EMBED_MAX_CHARS)))));
        } finally {
          await embedder.close();
        }
      }
      const report = evaluateTeamExemplars(exemplars, vectors, model, { embeddingUnavailable: 'disabled' });
      const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
      console.log(`${file}: ${exemplars.length} exemplars; router model ${model.checksum.slice(0, 12)}… (${opts.embedding ? 'USE-lite embedding' : 'cheap features only'})`);
      console.log('| router | accuracy | below label | above label | small / medium / large |');
      console.log('| --- | --- | --- | --- | --- |');
      for (const [name, s] of [['shipped model alone', report.model], ['live (model + other exemplars)', report.live]] as const) {
        console.log(`| ${name} | ${pct(s.accuracy)} | ${pct(s.under)} | ${pct(s.over)} | ${pct(s.share.small)} / ${pct(s.share.medium)} / ${pct(s.share.large)} |`);
      }
      if (opts.misses) {
        for (const r of report.rows.filter((x) => x.live !== x.label)) {
          console.log(`  line ${r.line}: labelled ${r.label}, routed ${r.live} (p=${r.pAtLeastMedium.toFixed(2)}/${r.pLarge.toFixed(2)})`);
        }
      }
    });
  return cmd;
}
