// Passwords that appear at the top of every published list of leaked passwords, plus
// the obvious variants. Refusing them stops the cheapest guessing attacks.
const COMMON = `123456 123456789 12345678 password qwerty123 qwerty1 111111 12345 1234567 123123
1234567890 000000 abc123 password1 iloveyou 1q2w3e4r 1q2w3e4r5t qwertyuiop 123321 654321 666666
987654321 123qwe 7777777 112233 1qaz2wsx zxcvbnm asdfghjkl qazwsx password123 password12 passw0rd
p@ssw0rd p@ssword welcome welcome1 welcome123 letmein letmein1 monkey dragon master sunshine princess
football baseball superman batman trustno1 starwars whatever shadow michael jennifer jordan23 hunter2
freedom killer charlie donald access access14 mustang admin admin123 administrator root toor changeme
changeme123 default guest login loveme lovely flower hello123 hello1234 secret secret123 internet
computer samsung google 11111111 22222222 33333333 44444444 55555555 66666666 77777777 88888888
99999999 00000000 12341234 11223344 12121212 88888888 87654321 1234qwer qwer1234 asdf1234 zaq12wsx
q1w2e3r4 q1w2e3r4t5 azerty azerty123 qwertz qwertz123 aaaaaaaa abcd1234 abcdefgh abcdefg1 a1b2c3d4
iloveyou1 iloveyou2 princess1 sunshine1 football1 baseball1 superman1 michael1 charlie1 jessica
ashley nicole daniel andrew joshua matthew thomas hannah summer winter spring autumn chocolate
cookie butterfly purple orange yellow silver golden diamond maggie ginger pepper buster tigger
soccer hockey jordan harley ranger robert thunder cheese banana starwars1 pokemon minecraft
fortnite naruto blink182 liverpool chelsea arsenal barcelona realmadrid juventus 1qaz2wsx3edc
zxcvbnm1 qwerty12 qwerty1234 password01 passwort passwort1 motdepasse contrasena senha123 parola
natter natter123 chat1234 chatroom`;

const LIST = new Set(COMMON.split(/\s+/).filter(Boolean));

/** True for a password on the common list, ignoring case. */
export function isCommonPassword(password: string): boolean {
  return LIST.has(password.toLowerCase());
}
