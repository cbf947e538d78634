import { SignUp } from "@clerk/remix";

export default function SignUpPage() {
  return (
    <section className="auth-page">
      <SignUp path="/sign-up" routing="path" signInUrl="/sign-in" />
    </section>
  );
}
