// Package linkpolicy keeps the loop closed (DESIGN.md §5, invariant 5): it
// finds off-platform links and contacts in user-written text — titles,
// descriptions, captions, bios, live chat, messages, reviews — so that,
// from a market's closed-loop cut-over date, such text is refused with a
// reason the writer can act on, and before it accepted with a warning.
//
// # What it finds
//
//   - url: anything with a scheme (https://, http://, ftp://, the defanged
//     hxxp://), a "www." host, or a host followed by a path or port
//     ("example.com/sale", "brand.shop:8443").
//   - domain: a bare registrable name, "example.com", "shop.co.uk".
//   - obfuscated_domain: the same written to slip past a filter: "shop dot
//     example dot com", "example dotcom", "example[.]com", "example(dot)com",
//     "example . com", "example,com", "beispiel punkt de", "tokoku titik co
//     titik id", "example点com", full-width "ｅｘａｍｐｌｅ．ｃｏｍ", look-alike
//     Cyrillic letters, zero-width characters or soft hyphens inside the
//     name.
//   - email: "name@example.com", "name @ example . com", "name(at)example.de",
//     "name at example dot com", and "name@gmail" for the big providers.
//   - phone: numbers valid under the region's numbering plan, or
//     international ones (+44…, 0044…), also with digits written as words
//     ("zero seven four…").
//   - messaging_handle: an app named next to a contact: "WA 0812…",
//     "WhatsApp me +44…", "ig: brand", "insta @brand", "@brand on IG",
//     "微信：abc123", "vx abc123", "Line ID: brand", "discord: name#1234",
//     "wxid_…".
//   - invite_link: links into messaging and social apps: wa.me,
//     chat.whatsapp.com, t.me, discord.gg, line.me, m.me, instagram.com…
//   - shortener: bit.ly, tinyurl.com, s.id, linktr.ee… whose destination is
//     hidden.
//
// Links to the platform's own hosts (Options.AllowedHosts) are allowed.
//
// # How: normalise, then match, keeping an offset map
//
// Matching runs on a normalised copy of the text, never on the original:
// format characters (zero-width space and joiners, bidi marks, soft
// hyphen) are dropped, then Unicode NFKC folds full-width and mathematical
// letters and digits, combining marks left over are dropped, and ideographic
// and middle dots and Latin-looking Cyrillic and Greek letters become their
// ASCII twins. A second pass rewrites the written-out dots into real ones,
// marking each by how strong a sign of hiding it is. Every byte of each
// stage records the range of original bytes it came from, so a finding's
// Start and End always slice the text the user typed, which is what
// Redact replaces and what the error message quotes. Because invisible
// characters are gone before anything is matched, inserting them never
// changes what is found.
//
// Overlapping findings are merged into one span that keeps the most specific
// reason (invite_link, shortener, url, email, messaging_handle, phone,
// obfuscated_domain, domain, in that order): "WA 0812 3456 7890" is one
// messaging handle, not a handle and a phone number.
//
// A finding ends a word: once Redact cuts it out, what was glued to it may
// read as a link of its own ("x@lunabags.org-WA@shop" would show
// "x@lunabags.org"). So Scan scans the redacted text again, mapping what it
// finds back to the original, until nothing new turns up; Redact's output
// never holds a finding.
//
// Every scanner runs in time linear in the text (a URL is read for at most
// 2 KB, a dotted run in windows of 253 bytes), so a hostile 16 KB message
// costs tens of milliseconds at most, and a 2 KB product description well
// under one (BenchmarkScan, BenchmarkScanLongRuns).
//
// # Bare domains: the rule and its trade-off
//
// Product text is full of dots that are not domains: prices (12.99),
// versions (v2.0), measurements (3.5mm, 2.5kg), abbreviations (e.g., U.S.,
// Dr. Martens, No.1, z.B.), file names (photo.jpg) and sentences missing a
// space ("great.Love it"). Since 2013 many English words are top-level
// domains (.love, .design, .top, .shop, .kg, .zip), so the public-suffix
// list alone would flag "great.love" and "polka dot top". The rule:
//
//  1. The name must end in an ICANN top-level domain with a registrable
//     label before it (golang.org/x/net/publicsuffix); .jpg, .js, .mm are
//     not TLDs, so "photo.jpg" and "3.5mm" never match.
//  2. With a scheme, "www." or a path any ICANN TLD counts; so do
//     shorteners and messaging hosts, however written.
//  3. A bare name counts only under a curated list of TLDs that carry the
//     links seen in shop spam and the country codes of loopshop's markets
//     (linkTLDs); ".love", ".design", ".zip", ".kg", ".pm" do not.
//  4. A TLD written with a capital is read as the start of the next
//     sentence ("great.Love it", "net.Net weight", "PRICE.SHOP NOW") —
//     except .com, .org, .biz, .xyz and two-label suffixes such as .co.uk,
//     which are not words.
//  5. The weaker obfuscations need stronger TLDs: "example . com" only for
//     TLDs that are not words (spacedTLDs), "example dot com" not for .top
//     or .co ("polka dot top", "polka dot co ord"), "punto"/"point" not for
//     .de or .es ("point de croix", "el punto es"), and an article before
//     "dot" is no name ("the dot com bubble").
//  6. "@maria.shop" is a loopshop username; only "@name.com" (and the other
//     case-free TLDs) or "@name.co.uk" count as a domain.
//  7. "a,b" is read as "a.b" only before a TLD of the spaced list, and a
//     TLD in capitals is a place ("London,UK"), not a domain.
//
// The cost: a bare lowercase name under a word-like TLD in the list is
// still reported, so a sentence typed without a space before "it", "me",
// "to", "us", "shop" or "store" ("love it.it works") is a false positive,
// and a link under a TLD outside the list written bare ("brand.love") is
// missed. The corpus in testdata decides borderline cases: add a line for
// each one seen in production.
//
// # Phone numbers: the rule
//
// Digit runs with the separators people use (spaces, dashes, dots, slashes,
// parentheses, "+44 (0)20…") are parsed with github.com/nyaruka/phonenumbers
// and kept when valid: international ones for the country their code names,
// others for the region (anywhere under its calling code), needing the
// trunk "0" where the region dials one (GB, DE, FR, IE, ID…) or the country
// code without "+" ("62812…"), because German area codes make almost any
// digit run valid ("20240501"). Not phones: fewer than 8 or more than 15
// digits; dates; lists of years ("2023 2024") or of small numbers ("36 38
// 40 42"); prices grouped in thousands ("1.250.000") or next to a currency;
// 13- and 14-digit blocks with a valid GS1 check digit (EAN/GTIN); numbers
// after a cue such as EAN, SKU, ISBN, model, item, ref, "order no.";
// numbers glued to letters or a percent sign ("5000mAh", "100%").
//
// # Messaging handles: the rule
//
// An "@handle" on its own is a loopshop mention and allowed. It is a
// contact when an app is named next to it ("insta @brand", "@brand on IG",
// "IG → @brand"); an app name followed by a number is one too ("WA
// 0812…", "WhatsApp me +44…"), and so is a handle without "@" after a
// separator ("ig: brand", "Line ID brand") or with a digit or underscore
// ("tg luna_2024"). App names that are ordinary words ("line", "snap",
// "signal") need a separator and a handle with a digit, underscore or dot:
// "Product line: Classic" is not a contact.
//
// # Known limits
//
// Text spelled out letter by letter ("e x a m p l e . c o m"), digits
// written with look-alike letters ("o8l2 3456 789O"), handles given without
// any app named ("find me as lunabags everywhere"), a bare handle after an
// app name without separator, digit or underscore ("ig lunabags"), pictures
// of text, and numbers split across several messages are not found. A phone
// number in a region's format but posted in another market without its
// country code is only found in its own region.
package linkpolicy
