import { maskCardNumbers } from '../../functions/shared/mask';

describe('card number masking', () => {
  test.each([
    ['4111111111111111', '************1111'],
    ['card 4111 1111 1111 1111 end', 'card ************1111 end'],
    ['5500-0000-0000-0004', '************0004'],
    ['378282246310005', '***********0005'],
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
});
