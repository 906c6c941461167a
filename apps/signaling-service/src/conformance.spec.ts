import { InMemoryMembershipStore } from './membership/in-memory-membership-store';
import { InMemoryUserQuotas } from './quotas/in-memory-user-quotas';
import { InMemoryBusHub } from './room-bus';
import { describeMembershipStore } from './test-support/membership-conformance';
import { describeRoomBus } from './test-support/room-bus-conformance';
import { describeUserQuotas } from './test-support/user-quotas-conformance';

// The fakes the unit tests run on, held to the suites the Redis implementations pass too
// (conformance.int-spec.ts).

describeMembershipStore('the in-memory store', async () => {
  const hub = new InMemoryBusHub();
  const store = new InMemoryMembershipStore(hub.connect());
  return {
    membership: store,
    meetings: store,
    bus: hub.connect(),
    expirePresence: async (roomId, userId) => store.expirePresence(roomId, userId),
    close: async () => undefined,
  };
});

describeRoomBus('the in-memory hub', async () => {
  const hub = new InMemoryBusHub();
  return { connect: async () => hub.connect(), close: async () => undefined };
});

describeUserQuotas('the in-memory quotas', async () => {
  const membership = new InMemoryMembershipStore(new InMemoryBusHub().connect());
  return { quotas: new InMemoryUserQuotas(membership), membership, close: async () => undefined };
});
