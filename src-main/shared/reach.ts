/**
 * Reach mode (EN 301 549 closed functionality, 5.1.2.2 / 8.3): every operable part of the
 * kiosk must lie between 380 mm and 1220 mm above the floor. From the screen's size and the
 * height of its lower edge above the floor, this gives the band of the screen (as fractions of
 * its height, from the top) where controls may be. Pure, shared by the profile check and the UI.
 */

export const REACH_LOW_MM = 380;
export const REACH_HIGH_MM = 1220;

/** The physical screen as mounted (kiosk profile "screen"). */
export interface KioskScreen {
  /** Diagonal of the visible picture in inches (e.g. 43). */
  diagonalInches: number;
  /** Height of the picture's lower edge above the floor, in mm. */
  mountingHeightMm: number;
  /** Width:height of the panel's long side to its short side; 16:9 when absent. */
  aspect?: [number, number];
}

/** Where controls may go: fractions of the screen height from its top edge (0 = top, 1 = bottom). */
export interface ReachBand {
  top: number;
  bottom: number;
  /** The picture's height in mm (for messages and the test). */
  heightMm: number;
}

/** The screen's picture height in mm as mounted in the given orientation. */
export function screenHeightMm(screen: KioskScreen, orientation: 'landscape' | 'portrait'): number {
  const [long, short] = screen.aspect ?? [16, 9];
  const diagonalMm = screen.diagonalInches * 25.4;
  const side = orientation === 'portrait' ? long : short;
  return (diagonalMm * side) / Math.hypot(long, short);
}

/**
 * The band of the screen between 380 and 1220 mm above the floor; null when no part of the
 * screen lies in it (the screen is mounted too high or too low for reach mode at all).
 */
export function reachBand(screen: KioskScreen, orientation: 'landscape' | 'portrait'): ReachBand | null {
  const h = screenHeightMm(screen, orientation);
  // A point y (fraction from the top) is at mountingHeightMm + h·(1 − y) above the floor.
  const top = Math.max(0, 1 - (REACH_HIGH_MM - screen.mountingHeightMm) / h);
  const bottom = Math.min(1, 1 - (REACH_LOW_MM - screen.mountingHeightMm) / h);
  if (bottom - top < 0.25) return null;
  return { top, bottom, heightMm: h };
}

/** Without a measured screen, reach mode keeps controls in the lower 60 % (the earlier rule). */
export const DEFAULT_REACH_BAND: ReachBand = { top: 0.4, bottom: 1, heightMm: 0 };
