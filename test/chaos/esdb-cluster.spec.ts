import { agreedLeader, parseClusterSpec, type GossipMember } from './esdb-cluster';
import { firstDeliveryDifference } from './witness';

const member = (port: number, state: string, isAlive = true): GossipMember => ({ httpEndPointPort: port, state, isAlive });

describe('chaos on an EventStoreDB cluster: the parts that need no server (issue 35)', () => {
  describe('agreedLeader', () => {
    it('is the member a majority of the answering nodes see as the one live leader', () => {
      const view = [member(2113, 'Follower'), member(2123, 'Leader'), member(2133, 'Follower')];
      expect(agreedLeader([view, view, view])).toBe(2123);
      // The killed leader does not answer; the two others already agree on a new one.
      const after = [member(2113, 'Leader'), member(2123, 'Leader', false), member(2133, 'Follower')];
      expect(agreedLeader([after, after])).toBe(2113);
    });

    it('is none during an election, on a split view, or when only a minority sees a leader', () => {
      const electing = [member(2113, 'PreLeader'), member(2123, 'Unknown'), member(2133, 'Follower')];
      expect(agreedLeader([electing, electing])).toBeUndefined();
      expect(agreedLeader([[member(2113, 'Leader')], [member(2123, 'Leader')]])).toBeUndefined();
      expect(agreedLeader([[member(2113, 'Leader')], electing, electing])).toBeUndefined();
      // A stale view naming two leaders counts for neither.
      expect(agreedLeader([[member(2113, 'Leader'), member(2123, 'Leader')]])).toBeUndefined();
      expect(agreedLeader([])).toBeUndefined();
    });
  });

  describe('parseClusterSpec', () => {
    it('takes nodes with a name, an HTTP port and a command, and refuses a file without them', () => {
      const spec = parseClusterSpec(
        JSON.stringify({ nodes: [{ name: 'n1', httpPort: 2113, command: ['server', '--config', 'n1.conf'] }] }),
      );
      expect(spec.nodes.map((n) => n.name)).toEqual(['n1']);
      expect(() => parseClusterSpec('{"nodes": []}')).toThrow(/nodes/);
      expect(() => parseClusterSpec('{"nodes": [{"name": "n1", "command": []}]}')).toThrow(/httpPort and a non-empty command/);
    });
  });

  describe('firstDeliveryDifference (a subscription against the log)', () => {
    const log = ['a', 'b', 'c', 'd'].map((id, i) => ({ eventId: id, streamId: `payment-${id}`, revision: BigInt(i) }));
    const got = (...ids: string[]) => ids.map((eventId) => ({ eventId }));

    it('finds nothing when every event arrived once, in log order', () => {
      expect(firstDeliveryDifference(log, got('a', 'b', 'c', 'd'))).toBeUndefined();
    });

    it('names a gap, a duplicate, a reordering, a missing tail and an event the log does not hold', () => {
      expect(firstDeliveryDifference(log, got('a', 'c', 'd'))).toMatch(/^gap at 1: the log's payment-b@1 \(b\)/);
      expect(firstDeliveryDifference(log, got('a', 'b', 'b', 'c', 'd'))).toMatch(/^event b received twice/);
      expect(firstDeliveryDifference(log, got('a', 'c', 'b', 'd'))).toMatch(/^out of order at 1/);
      expect(firstDeliveryDifference(log, got('a', 'b'))).toMatch(/^the log's event 2 \(payment-c@2\) and 1 after it never received/);
      expect(firstDeliveryDifference(log, got('a', 'b', 'c', 'd', 'e'))).toMatch(/^received 1 events beyond the log's 4/);
    });
  });
});
