import { writeReport as writeExperimentReport } from '../../experiment/report-writer';
import { localReport } from './local-report';
import type { RehearsalResult } from '../rehearsal/rehearsal';

/** Writes `report.md`, `report.json` and `report.html` of one local rehearsal into `dir`; returns their paths. */
export function writeReport(dir: string, result: RehearsalResult): Promise<string[]> {
  return writeExperimentReport(dir, localReport(result));
}
