/** The analysis engine, from the deferred bundle (loaded when the first document is analysed). */
import { loadDeferred } from '../deferred/load';
import type { Analyzer } from './documentAnalyses';

export async function loadAnalyzer(): Promise<Analyzer> {
  const { analyzeFile } = loadDeferred();
  return (input, settings) => analyzeFile(input, settings);
}
