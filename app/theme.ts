/**
 * The app's colours and type, in one place: styles.css reads them as CSS
 * custom properties (set on <html> by root.tsx) and Clerk's components get
 * them through Clerk's documented `appearance.variables`, so both look alike.
 */
const palette = {
  brand: "#5b3df5",
  brandText: "#3b25c9",
  brandSoft: "#c9c2f7",
  text: "#1a1a2e",
  textMuted: "#5a5a70",
  page: "#f7f7fb",
  surface: "#ffffff",
  border: "#e2e2ec",
  focus: "#f5a623",
  danger: "#a3241b",
} as const;

const fontFamily = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const radius = "0.4rem";

/** `--brand`, `--text`, … for styles.css. */
export const themeCssVariables = {
  ...Object.fromEntries(
    Object.entries(palette).map(([name, value]) => [
      `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
      value,
    ]),
  ),
  "--font-family": fontFamily,
  "--radius": radius,
} as Record<string, string>;

export const clerkAppearance = {
  variables: {
    colorPrimary: palette.brand,
    colorText: palette.text,
    colorTextSecondary: palette.textMuted,
    colorBackground: palette.surface,
    colorInputBackground: palette.surface,
    colorDanger: palette.danger,
    fontFamily,
    borderRadius: radius,
  },
};
