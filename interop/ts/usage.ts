// Valid uses of the generated modules: tsc --strict must accept all of it.
import { createCookieSessionStorage } from "react-router";
import { type UserSessionData, type UserFlashData, userCookieOptions } from "./gen/basic.js";
import { type PrefsSessionData, type PrefsFlashData, prefsCookieOptions } from "./gen/types.js";
import { type AccountSessionData, type AccountFlashData, accountCookieOptions } from "./gen/tsshapes.js";
import { type AdminSessionData, type AdminFlashData, adminCookieOptions } from "./gen/web.js";

const secrets = ["a-secret-of-at-least-32-bytes-for-tests"];

const users = createCookieSessionStorage<UserSessionData, UserFlashData>({ cookie: { ...userCookieOptions, secrets } });
const user = await users.getSession(null);
user.set("userId", "ada");
user.set("theme", "dark");
user.flash("message", "Saved.");
const id: string | undefined = user.get("userId");
const message: string | undefined = user.get("message");
user.unset("theme");
await users.commitSession(user);

const prefs = createCookieSessionStorage<PrefsSessionData, PrefsFlashData>({ cookie: { ...prefsCookieOptions, secrets } });
const p = await prefs.getSession("prefs=x");
p.set("cart", { items: [{ sku: "A-1", qty: 2 }], updated: new Date().toISOString() });
p.set("cart", { items: null, updated: "2030-01-01T00:00:00Z", coupon: "HALF" });
p.set("labels", { a: "b" });
p.set("matrix", [[1.5], []]);
p.set("timeout", 90e9);
p.flash("problem", { sku: "B", qty: 0 });

const accounts = createCookieSessionStorage<AccountSessionData, AccountFlashData>({ cookie: { ...accountCookieOptions, secrets } });
const a = await accounts.getSession(null);
a.set("avatar", "aGVsbG8=");
a.set("user-id", "u1");
a.set("profile", {
  name: "Ada", age: "36", avatar: null, manager: null, tags: null, "-": "", Plain: true, createdBy: "root", revision: 3,
});

const admins = createCookieSessionStorage<AdminSessionData, AdminFlashData>({ cookie: { ...adminCookieOptions, secrets } });
(await admins.getSession(null)).set("adminId", 7);

export { id, message };

// Standalone cookies: createCookie with the generated options.
import { createCookie } from "react-router";
import { type PrefsCookieValue, prefsCookieOptions as prefsStandalone, type ThemeCookieValue, themeCookieOptions, type CartCookieValue, cartCookieOptions } from "./gen/cookies.js";

const prefsCookie = createCookie(prefsStandalone.name, { ...prefsStandalone, secrets });
const prefsValue: PrefsCookieValue = (await prefsCookie.parse("prefs=x")) ?? {};
await prefsCookie.serialize({ ...prefsValue, theme: "dark" } satisfies PrefsCookieValue);
const themeCookie = createCookie(themeCookieOptions.name, themeCookieOptions);
const theme: ThemeCookieValue = (await themeCookie.parse(null)) ?? "light";
const cart: CartCookieValue = { items: [], updated: "2030-01-01T00:00:00Z" };
await createCookie(cartCookieOptions.name, { ...cartCookieOptions, secrets }).serialize(cart);
export { theme };
