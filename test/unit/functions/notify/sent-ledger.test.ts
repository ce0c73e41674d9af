// The shared ledger's decision (pure): duplicates, superseded older transitions, and waiting for
// an instance that is sending right now.
import { describe, expect, it } from 'vitest';
import { CLAIM_TTL_MS, decide, isNewer, ledgerObjectName, type Mark } from '../../../../functions/notify/sent-ledger.ts';

const mark = (eventId: string, transition: Mark['transition'], readingTs: string): Mark => ({ eventId, transition, readingTs });
const active = mark('a1', 'active', '2026-12-01T10:00:00Z');
const cleared = mark('c1', 'cleared', '2026-12-01T10:05:00Z');
const now = Date.parse('2026-12-01T10:06:00Z');
const claimed = (m: Mark, agoMs: number) => ({ ...m, claimedAt: new Date(now - agoMs).toISOString() });

describe('sent ledger decisions', () => {
  it('sends what nobody sent, and never the same event twice', () => {
    expect(decide({}, active, now)).toEqual({ decision: 'send' });
    expect(decide({ sent: active }, active, now)).toEqual({ decision: 'duplicate' });
    expect(decide({ sent: active }, cleared, now)).toEqual({ decision: 'send' });
  });

  it('drops an active after its cleared went out (a racing duplicate or a late delivery)', () => {
    expect(decide({ sent: cleared }, active, now)).toEqual({ decision: 'superseded', by: cleared });
    // A new excursion after the cleared is a new alarm and goes out.
    expect(decide({ sent: cleared }, mark('a2', 'active', '2026-12-01T10:10:00Z'), now)).toEqual({ decision: 'send' });
  });

  it('at the same reading time, cleared counts as after active', () => {
    const t = '2026-12-01T10:00:00Z';
    expect(isNewer(mark('c', 'cleared', t), mark('a', 'active', t))).toBe(true);
    expect(isNewer(mark('a', 'active', t), mark('c', 'cleared', t))).toBe(false);
  });

  it('waits while another instance sends an older event or the same one; drops one older than it', () => {
    expect(decide({ pending: claimed(active, 1_000) }, cleared, now)).toEqual({ decision: 'wait', for: claimed(active, 1_000) });
    expect(decide({ pending: claimed(active, 1_000) }, active, now)).toEqual({ decision: 'wait', for: claimed(active, 1_000) });
    expect(decide({ pending: claimed(cleared, 1_000) }, active, now)).toEqual({ decision: 'superseded', by: claimed(cleared, 1_000) });
  });

  it("a dead sender's claim expires", () => {
    expect(decide({ pending: claimed(active, CLAIM_TTL_MS + 1) }, cleared, now)).toEqual({ decision: 'send' });
    expect(decide({ pending: claimed(active, CLAIM_TTL_MS + 1) }, active, now)).toEqual({ decision: 'send' });
  });

  it('one flat object per site, tag and condition, whatever the KKS code holds', () => {
    expect(ledgerObjectName({ site: 'REF-01', tag: '=10 LAB10 CP001', condition: 'HH' })).toBe(
      'notify/sent/site=REF-01/tag=%3D10%20LAB10%20CP001/condition=HH.json',
    );
  });
});
