import { SignedIn, SignedOut } from "@clerk/remix";
import { Fragment } from "react";

/** Each word unbreakable, so that `alice-password-1` never splits at its hyphens. */
function WholeWords({ text }: { text: string }) {
  return text.split(" ").map((word, index) => (
    <Fragment key={index}>
      {index > 0 && " "}
      <span className="whole-word">{word}</span>
    </Fragment>
  ));
}

/**
 * A compact line saying this is the emulator: how to sign in offline to whoever is
 * signed out, and to whoever is signed in only that their tokens are stand-ins.
 */
export function OfflineBanner({ signInHint }: { signInHint?: string }) {
  return (
    <p className="emulator-banner" role="status">
      <span className="site-width emulator-banner-inner">
        <strong>Offline emulator — not Clerk.</strong>{" "}
        <SignedOut>
          {signInHint ? <WholeWords text={signInHint} /> : "Sign-ins and tokens here are local stand-ins."}
        </SignedOut>
        <SignedIn>Sign-ins and tokens here are local stand-ins.</SignedIn>
      </span>
    </p>
  );
}
