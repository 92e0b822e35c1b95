import { containsCardNumber, maskCardNumbers, storableIdentifier } from '../../functions/shared/mask';

describe('card number masking', () => {
  test.each([
    ['4111111111111111', '************1111'],
    ['card 4111 1111 1111 1111 end', 'card ************1111 end'],
    ['5500-0000-0000-0004', '************0004'],
    ['378282246310005', '***********0005'],
    ['a card next to a date: 2025-06-01 4111 1111 1111 1111', 'a card next to a date: 2025-06-01 ************1111'],
    ['pan_4111_1111_1111_1111', 'pan_************1111'],
  ])('%s is masked to its last four digits', (text, masked) => {
    expect(maskCardNumbers(text)).toBe(masked);
  });

  test('short digit runs such as amounts, timestamps and ids are kept', () => {
    const text = 'amount 1999 at 1700000000 for evt_123456';
    expect(maskCardNumbers(text)).toBe(text);
  });

  test('a long digit run that fails the Luhn check (e.g. a numeric event id) is kept', () => {
    expect(maskCardNumbers('evt_4111111111111112')).toBe('evt_4111111111111112');
  });

  test('a run of more than 19 digits is no card number and is kept whole (no window is masked out of it)', () => {
    expect(maskCardNumbers('ref 41111111111111111111111')).toBe('ref 41111111111111111111111');
  });

  // Each of these was altered by the previous masker (it masked any Luhn-valid 13-19 digit window,
  // so 0.2 % of random v4 UUIDs — Lambda request ids — lost digits in the logs).
  test.each(['14487230-4911-4956-9d11-1c816fb95bb8', '00000000-0000-0000-0000-000000000000', '12345678-1234-5678-1234-567812345678'])(
    'the UUID %s survives intact',
    (uuid) => {
      expect(maskCardNumbers(uuid)).toBe(uuid);
      expect(maskCardNumbers(`{"requestId":"${uuid}","note":"card 4111111111111111"}`)).toBe(
        `{"requestId":"${uuid}","note":"card ************1111"}`,
      );
    },
  );

  test('an identifier is stored as itself unless it carries a card-number-like run; then as its hash, stable across deliveries', () => {
    expect(storableIdentifier('evt_1Px2abc')).toBe('evt_1Px2abc');
    const hashed = storableIdentifier('evt_4111111111111111');
    expect(hashed).toMatch(/^sha256_[A-Za-z0-9_-]{43}$/);
    expect(hashed).toBe(storableIdentifier('evt_4111111111111111'));
    expect(containsCardNumber(hashed)).toBe(false);
    expect(maskCardNumbers(hashed)).toBe(hashed);
  });
});
