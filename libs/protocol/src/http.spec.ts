import { createRoomBodySchema, loginBodySchema, signupBodySchema } from './http';
import { displayNameOf } from './ids';

describe('signup body', () => {
  it('trims and lower-cases the email', () => {
    expect(signupBodySchema.parse({ email: '  Ada@Example.COM ', password: 'password1' })).toEqual({
      email: 'ada@example.com',
      password: 'password1',
    });
  });

  it.each([
    [{ email: 'ada@example.com', password: 'short' }, 'password'],
    [{ email: 'ada@example.com', password: 'x'.repeat(129) }, 'password'],
    [{ email: 'nope', password: 'password1' }, 'email'],
    [{ email: 'ada@example.com', password: 'password1', role: 'admin' }, ''],
  ])('rejects %j', (body, path) => {
    const result = signupBodySchema.safeParse(body);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.join('.')).toBe(path);
  });

  it('accepts passwords of exactly 8 and 128 characters', () => {
    for (const password of ['x'.repeat(8), 'x'.repeat(128)]) {
      expect(signupBodySchema.safeParse({ email: 'a@b.co', password }).success).toBe(true);
    }
  });
});

describe('login body', () => {
  it('accepts any non-empty password: a short one is simply wrong, not invalid', () => {
    expect(loginBodySchema.safeParse({ email: 'a@b.co', password: 'x' }).success).toBe(true);
    expect(loginBodySchema.safeParse({ email: 'a@b.co', password: '' }).success).toBe(false);
  });
});

describe('create room body', () => {
  it('defaults to 4 participants and bounds the size to 2..6', () => {
    expect(createRoomBodySchema.parse({})).toEqual({ maxParticipants: 4 });
    expect(createRoomBodySchema.safeParse({ maxParticipants: 1 }).success).toBe(false);
    expect(createRoomBodySchema.safeParse({ maxParticipants: 7 }).success).toBe(false);
    expect(createRoomBodySchema.safeParse({ maxParticipants: 2.5 }).success).toBe(false);
    expect(createRoomBodySchema.parse({ maxParticipants: 6 })).toEqual({ maxParticipants: 6 });
  });
});

describe('displayNameOf', () => {
  it('is the part of the email before @', () => {
    expect(displayNameOf('ada.lovelace@example.com')).toBe('ada.lovelace');
    expect(displayNameOf('no-at-sign')).toBe('no-at-sign');
  });
});
