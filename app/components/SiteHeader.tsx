import { SignedIn, SignedOut, UserButton } from "@clerk/remix";
import { Link, NavLink } from "@remix-run/react";
import { HeaderOrganizationSwitcher } from "~/components/HeaderOrganizationSwitcher";

/** Who is signed in, at the header's end: their organization (Clerk's switcher), then the user button. */
function Account() {
  return (
    <>
      <SignedIn>
        <HeaderOrganizationSwitcher />
        <UserButton />
      </SignedIn>
      <SignedOut>
        <NavLink to="/sign-in" className="site-nav-link">
          Sign in
        </NavLink>
      </SignedOut>
    </>
  );
}

/**
 * The header on every page, error pages included: the title, the pages, and
 * sign-in or the user button. `withClerk={false}` where Clerk's provider is
 * missing (the root loader itself failed): a plain sign-in link then.
 */
export function SiteHeader({ withClerk = true }: { withClerk?: boolean }) {
  return (
    <header className="site-header">
      <div className="site-width site-header-inner">
        <Link to="/" className="site-title">
          Clerk JWT template tokens
        </Link>
        <nav aria-label="Pages" className="site-nav">
          <NavLink to="/" end className="site-nav-link">
            Explorer
          </NavLink>
          <NavLink to="/templates" className="site-nav-link">
            Templates
          </NavLink>
        </nav>
        <div className="site-account">
          {withClerk ? (
            <Account />
          ) : (
            <Link to="/sign-in" className="site-nav-link">
              Sign in
            </Link>
          )}
        </div>
      </div>
    </header>
  );
}
