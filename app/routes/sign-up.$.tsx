import { SignUp } from "@clerk/remix";
import { ClerkLoadNotice } from "~/components/ClerkLoadNotice";

export default function SignUpPage() {
  return (
    <section className="auth-page">
      <ClerkLoadNotice what="sign-up" />
      <SignUp path="/sign-up" routing="path" signInUrl="/sign-in" />
    </section>
  );
}
