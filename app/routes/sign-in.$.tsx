import { SignIn } from "@clerk/remix";

export default function SignInPage() {
  return (
    <section className="auth-page">
      <SignIn path="/sign-in" routing="path" signUpUrl="/sign-up" />
    </section>
  );
}
