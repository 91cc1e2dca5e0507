import { Command } from 'commander';
import { EXIT_CODES } from '../../../contract/process';
import type { DownloadProgress } from '../embedding/models/download';
import { downloadModel } from '../embedding/models/download';
import { importModel } from '../embedding/models/import';
import { type KnownModel, MINILM_MODEL_ID, requireKnownModel } from '../embedding/models/known-models';
import { defaultRemoteHost, modelsDirOf } from '../embedding/models/paths';
import { EXIT_FAILURE, printableLines } from './common';
import { prepareDataDir } from './dataDb';
import { dataDirFrom, dataDirOption } from './paths';
import { modelVerified } from '../embedding/models/status';
import { messageOf } from '../embedding/errorMessage';

/** Where the command writes; injectable so tests read the output without touching process streams. */
export interface ModelCommandIO {
  out: (text: string) => void;
  err: { write: (text: string) => void; isTTY: boolean };
  /** A failure: EXIT_FAILURE unless `code` says otherwise (EXIT_CODES.usage for a model id that is not pinned). */
  fail: (message: string, code?: number) => void;
}

const processIO: ModelCommandIO = {
  out: (text) => process.stdout.write(text),
  err: { write: (text) => process.stderr.write(text), isTTY: Boolean(process.stderr.isTTY) },
  // A runtime failure, said as main.ts says every other one, and a usage error as commander says
  // its own ("error: "); the message may quote what a hub answered, so never raw control characters.
  fail: (message, code = EXIT_FAILURE) => {
    process.stderr.write(`${code === EXIT_CODES.usage ? 'error' : 'tollgate'}: ${printableLines(message)}\n`);
    process.exitCode = code;
  },
};

interface CommonOptions {
  dataDir?: string;
  model: string;
}

function megabytes(bytes: number): string {
  return (bytes / 1_000_000).toFixed(1);
}

/** A progress bar on stderr: redrawn in place on a terminal, one line per 10% otherwise (CI logs). */
function progressPrinter(err: ModelCommandIO['err']): { update: (p: DownloadProgress) => void; end: () => void } {
  let lastTenth = -1;
  let drawn = false;
  return {
    update(p) {
      const percent = Math.floor(p.fraction * 100);
      const size = p.total > 0 ? ` ${megabytes(p.loaded)}/${megabytes(p.total)} MB` : '';
      if (err.isTTY) {
        const width = 30;
        const filled = Math.round((percent / 100) * width);
        err.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(percent).padStart(3)}%${size} ${p.file}\x1b[K`);
        drawn = true;
      } else if (Math.floor(percent / 10) !== lastTenth) {
        lastTenth = Math.floor(percent / 10);
        err.write(`${String(percent).padStart(3)}%${size} ${p.file}\n`);
      }
    },
    end() {
      if (drawn) err.write('\n');
    },
  };
}

/**
 * The pinned model `--model` names, or undefined once the failure is reported: a model id Tollgate
 * has no checksum for is a usage error (exit 2, as a bad flag value), not a failure to retry.
 */
function knownModel(id: string, io: ModelCommandIO): KnownModel | undefined {
  try {
    return requireKnownModel(id);
  } catch (error) {
    io.fail(`--model: ${messageOf(error)}`, EXIT_CODES.usage);
    return undefined;
  }
}

/** `tollgate model status|download|import`: the transformers.js embedding model of the semantic cache. */
export function modelCommand(io: ModelCommandIO = processIO): Command {
  const command = new Command('model').description(
    `manage the semantic-cache embedding model (${MINILM_MODEL_ID}); without it the bundled USE-lite model is used`,
  );
  const withCommon = (c: Command) =>
    c
      .addOption(dataDirOption())
      .option('--model <id>', 'model id (must have a pinned checksum)', MINILM_MODEL_ID);

  withCommon(command.command('status'))
    .description('show whether the model is installed and verified, and which embedder the proxy will use')
    .option('--json', 'print JSON')
    .action(async (opts: CommonOptions & { json?: boolean }) => {
      const model = knownModel(opts.model, io);
      if (!model) return;
      try {
        const dataDir = dataDirFrom(opts.dataDir);
        const status = await modelVerified(modelsDirOf(dataDir), model);
        const embedder = status.verified
          ? { backend: 'transformers', modelId: model.id, dimensions: model.dimensions }
          : { backend: 'use-lite', dimensions: 512 };
        const report = {
          modelId: model.id,
          dir: status.dir,
          installed: status.present,
          verified: status.verified,
          missing: status.missing,
          expected: { file: model.weights.path, bytes: model.weights.bytes, sha256: model.weights.sha256 },
          // What `backend: auto` picks without downloading; with downloads allowed the proxy fetches the model first.
          autoEmbedder: embedder,
        };
        if (opts.json) {
          io.out(`${JSON.stringify(report, null, 2)}\n`);
          return;
        }
        const state = status.verified
          ? 'installed, checksum verified'
          : status.present
            ? 'installed but the checksum does NOT match (it will be refused; run `tollgate model download`)'
            : `not installed (missing: ${status.missing.join(', ') || model.weights.path})`;
        io.out(
          [
            `model     ${model.id} (${model.dimensions}-d)`,
            `folder    ${status.dir}`,
            `status    ${state}`,
            `embedder  ${status.verified ? `transformers.js ${model.id}` : 'bundled USE-lite (512-d), until the model is downloaded or imported'}`,
            '',
          ].join('\n'),
        );
      } catch (error) {
        io.fail(messageOf(error));
      }
    });

  withCommon(command.command('download'))
    .description('download the model from the Hugging Face hub and verify its checksum')
    .option('--remote-host <url>', 'hub base URL (default $HF_ENDPOINT or https://huggingface.co/)')
    .option('--revision <rev>', 'hub revision', 'main')
    .action(async (opts: CommonOptions & { remoteHost?: string; revision: string }) => {
      const model = knownModel(opts.model, io);
      if (!model) return;
      const progress = progressPrinter(io.err);
      try {
        const remoteHost = opts.remoteHost ?? defaultRemoteHost();
        // Before the download, not after it: a data directory that cannot be made is known at once.
        const dataDir = dataDirFrom(opts.dataDir);
        prepareDataDir(dataDir);
        const { dir, fetched } = await downloadModel({
          modelsDir: modelsDirOf(dataDir),
          model,
          remoteHost,
          revision: opts.revision,
          onProgress: progress.update,
        });
        progress.end();
        io.out(
          fetched.length > 0
            ? `downloaded ${model.id} from ${remoteHost} into ${dir} (checksum verified)\n`
            : `${model.id} already installed in ${dir} (checksum verified)\n`,
        );
      } catch (error) {
        progress.end();
        io.fail(messageOf(error));
      }
    });

  withCommon(command.command('import'))
    .description('install the model from a local folder (offline / air-gapped), verifying its checksum')
    .argument('<dir>', `a local ${MINILM_MODEL_ID} folder (config.json, tokenizer*.json, onnx/model_quantized.onnx)`)
    .action(async (dir: string, opts: CommonOptions) => {
      const model = knownModel(opts.model, io);
      if (!model) return;
      try {
        const dataDir = dataDirFrom(opts.dataDir);
        prepareDataDir(dataDir);
        const result = await importModel(dir, modelsDirOf(dataDir), model);
        io.out(`imported ${model.id} into ${result.dir} (checksum verified)\n`);
      } catch (error) {
        io.fail(messageOf(error));
      }
    });

  return command;
}
