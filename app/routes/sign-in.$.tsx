import { SignIn } from "@clerk/remix";
import { ClerkLoadNotice } from "~/components/ClerkLoadNotice";

export default function SignInPage() {
  return (
    <section className="auth-page">
      <ClerkLoadNotice what="sign-in" />
      <SignIn path="/sign-in" routing="path" signUpUrl="/sign-up" />
    </section>
  );
}
