/**
 * The small-group rule for readership figures, and what keeps it from being
 * undone by subtraction.
 *
 * Primary suppression: every count from 1 to k−1 (k = MIN_GROUP_SIZE, default
 * 3) shows as "<k". A zero is shown: it is nobody, so it identifies nobody,
 * and it is what a street office most needs to see (the grids a content
 * missed). Small-cell rules in public statistics treat zeros the same way.
 *
 * Complementary suppression: the dashboard shows sums beside their parts (the
 * total row is the sum of the grid rows; a grid's readers are, nearly, the sum
 * of its readers per channel). A hidden part could then be recovered as "the
 * total minus the other parts". So every sum is registered as a constraint
 * (total, parts), and until nothing changes:
 * - a constraint with exactly one hidden cell gets a second one hidden;
 * - a constraint whose total is shown must have its hidden parts add up to at
 *   least k, so that what can be subtracted out is not itself a small group
 *   (two hidden grids of 1 reader each would otherwise give away "2 between
 *   them");
 * - a small total whose parts are all small, k−1 or more of them, would pin
 *   each part (two "<3" parts of a "<3" total are 1 each): the total is
 *   withheld instead.
 * The cell hidden in addition is the smallest non-zero shown part (the least
 * information lost), else a zero part, else the total. Cells hidden this way
 * show as "—" (withheld: their value may be anything). A hidden value never
 * leaves the server: the JSON, the CSV and the admin view get only the
 * display text.
 *
 * What this does not defend against: reasoning over inequalities across
 * several sums (a grid's readers are at least its readers on one channel) can
 * narrow a "<k" within its range; it cannot recover a value by subtraction.
 *
 * Rates (read rate, reach) are shown only when every count they are derived
 * from is shown; reach also uses households, which are public.
 */
export type CellState = 'shown' | 'small' | 'hidden'

export class SuppressionTable {
  private values: number[] = []
  private states: CellState[] = []
  private constraints: { total: number; parts: number[] }[] = []

  constructor(readonly k: number) {}

  /** Register a count; returns its handle. */
  cell(value: number): number {
    this.values.push(value)
    this.states.push(value > 0 && value < this.k ? 'small' : 'shown')
    return this.values.length - 1
  }

  /** total = Σ parts (exactly, or nearly: a total that may be less than its parts is treated as their sum). */
  sum(total: number, parts: number[]): void {
    if (parts.length) this.constraints.push({ total, parts })
  }

  /** Hide a cell that another view of the same figure already withholds (so two views never differ in what they hide). */
  withhold(cell: number): void {
    this.states[cell] = 'hidden'
  }

  state(cell: number): CellState {
    return this.states[cell]
  }

  value(cell: number): number {
    return this.values[cell]
  }

  /** Apply complementary suppression to a fixpoint. Each round hides one more cell, so it ends. */
  run(): this {
    for (let changed = true; changed; ) {
      changed = false
      for (const { total, parts } of this.constraints) {
        const hiddenParts = parts.filter((p) => this.states[p] !== 'shown')
        const totalHidden = this.states[total] !== 'shown'
        const hidden = hiddenParts.length + (totalHidden ? 1 : 0)
        if (hidden === 0) continue
        const hiddenSum = hiddenParts.reduce((s, p) => s + this.values[p], 0)
        // A small total over k−1 or more small parts pins each of them at 1.
        const pinned = this.states[total] === 'small' && hiddenParts.length >= this.k - 1 && hiddenParts.every((p) => this.states[p] === 'small')
        if (pinned) {
          this.states[total] = 'hidden'
          changed = true
          continue
        }
        const exposed = hidden === 1 || (!totalHidden && hiddenSum < this.k)
        if (!exposed) continue
        const shown = parts
          .filter((p) => this.states[p] === 'shown')
          // Smallest non-zero first (least lost); a zero adds nothing to the hidden sum, so it comes after.
          .sort((a, b) => Number(this.values[a] === 0) - Number(this.values[b] === 0) || this.values[a] - this.values[b] || a - b)
        const next = shown[0] ?? (totalHidden ? undefined : total)
        if (next === undefined) continue
        this.states[next] = 'hidden'
        changed = true
      }
    }
    return this
  }
}
