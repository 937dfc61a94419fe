/** Columns that share a heading: a controller's, over its own cells. */
export interface ColumnGroup {
  /** Empty over the columns common to every controller (the fault, the expected outcome). */
  readonly title: string;
  readonly span: number;
}

/** One scorecard row: a fault's cells, and which cells link to a rehearsal's own report. */
export interface ScorecardRow {
  /** The fault as written (`latency=2000`, or `none`). */
  readonly fault: string;
  readonly cells: readonly string[];
  /** Cell index to the report of the rehearsal it describes, relative to the suite's report folder. */
  readonly links: ReadonlyMap<number, string>;
}

/** The scorecard as every report renders it: text, Markdown and `index.html`. */
export interface ScorecardTable {
  /** Headings over the columns, one per controller; absent when the suite ran one controller. */
  readonly groups?: readonly ColumnGroup[];
  readonly columns: readonly string[];
  /** Columns holding figures, aligned right. */
  readonly numeric: ReadonlySet<number>;
  /** Columns holding a verdict, `yes` or `NO`. */
  readonly verdicts: ReadonlySet<number>;
  readonly rows: readonly ScorecardRow[];
}
