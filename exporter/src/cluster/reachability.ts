/**
 * Whether PostgreSQL is reachable, judged from the outcomes of the replica's concurrent work (the
 * beat and the exchange loops), so that one line says it went away and one that it is back.
 *
 * Work that began before the database was seen away proves nothing about now when it succeeds:
 * while PostgreSQL shuts down, one loop's query fails and the other's, on a connection not yet
 * terminated, still succeeds. Counted as "back", that logged back and a second "unreachable"
 * within a second (test/cluster/replicas.test.ts, on a loaded machine). Pure: no I/O, no clock.
 */
export class Reachability {
  private away = false;
  /** How many times the database was seen away. */
  private seq = 0;

  /** Call as the work begins; hand the result to up() if it succeeds. */
  begin(): number {
    return this.seq;
  }

  /** The work failed; true when that is news (the database was reachable until now). */
  down(): boolean {
    if (this.away) return false;
    this.away = true;
    this.seq++;
    return true;
  }

  /** Work begun at `since` succeeded; true when that says the database is back. */
  up(since: number): boolean {
    if (!this.away || since !== this.seq) return false;
    this.away = false;
    return true;
  }
}
