import argon2 from 'argon2';
import { createPasswordHasher, type Argon2Params } from './passwords';

// Cheap parameters keep this unit test fast; the integration suite checks the OWASP ones.
const cheap: Argon2Params = {
  type: argon2.argon2id,
  memoryCost: 1024,
  timeCost: 1,
  parallelism: 1,
};

describe('createPasswordHasher', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hasher = await createPasswordHasher(cheap);
    const hash = await hasher.hash('correct horse');
    expect(hash).toMatch(/^\$argon2id\$/);
    await expect(hasher.verify(hash, 'correct horse')).resolves.toBe(true);
    await expect(hasher.verify(hash, 'wrong horse')).resolves.toBe(false);
  });

  it('refuses every password for an unknown account, even the decoy one', async () => {
    const hasher = await createPasswordHasher(cheap);
    await expect(hasher.verify(undefined, 'decoy password, never matches')).resolves.toBe(false);
  });

  it('refuses a malformed stored hash instead of throwing', async () => {
    const hasher = await createPasswordHasher(cheap);
    await expect(hasher.verify('not-a-hash', 'anything')).resolves.toBe(false);
  });

  it('asks for a rehash when the parameters grew', async () => {
    const weak = await createPasswordHasher(cheap);
    const strong = await createPasswordHasher({ ...cheap, memoryCost: 2048 });
    expect(strong.needsRehash(await weak.hash('pw'))).toBe(true);
    expect(weak.needsRehash(await weak.hash('pw'))).toBe(false);
  });
});
