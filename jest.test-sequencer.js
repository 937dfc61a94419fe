/**
 * Jest's own order (failed first, then slowest first), except for the end-to-end project: its longest file
 * goes first and the others last. With two workers the slow end-to-end rehearsals then share the machine
 * with the quick projects' files, never with each other while other files are left.
 */
const Sequencer = require('@jest/test-sequencer').default;

const isEndToEnd = (test) => test.context.config.displayName?.name === 'e2e';

class EndToEndApartSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const endToEnd = sorted.filter(isEndToEnd);
    if (endToEnd.length === 0 || endToEnd.length === sorted.length) return sorted;
    return [endToEnd[0], ...sorted.filter((test) => !isEndToEnd(test)), ...endToEnd.slice(1)];
  }
}

module.exports = EndToEndApartSequencer;
