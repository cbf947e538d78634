import { OrganizationSwitcher, useAuth } from "@clerk/remix";
import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";

/**
 * Clerk's `<OrganizationSwitcher/>`: the personal account and the user's organizations. Picking
 * one calls `setActive({ organization })`, so the session's next tokens are minted for it; the
 * page's loaders then run again, as a server-rendered token (`/tokens/:template`) was minted for
 * the organization that was active before.
 */
export function HeaderOrganizationSwitcher() {
  const { orgId } = useAuth();
  const revalidator = useRevalidator();
  const shown = useRef(orgId);
  useEffect(() => {
    if (shown.current === orgId) return;
    shown.current = orgId;
    revalidator.revalidate();
  }, [orgId, revalidator]);
  return (
    <div className="header-organization">
      <OrganizationSwitcher />
    </div>
  );
}
