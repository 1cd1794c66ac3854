// Light and dark themes and a larger "projector" text size. The choice is remembered in
// localStorage; 'system' follows prefers-color-scheme and changes with it.
import { useEffect, useState } from 'react';

export type ThemeChoice = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';
/** Text scale: normal for a laptop, large for a projector or a screen at the back of a room. */
export type TextSize = 'normal' | 'large';

const THEME_KEY = 'armlab.theme';
const SIZE_KEY = 'armlab.textSize';

function stored<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
  try {
    const v = localStorage.getItem(key);
    return allowed.find((a) => a === v) ?? fallback;
  } catch {
    return fallback; // storage can be disabled
  }
}

function store(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Not remembered, still applied.
  }
}

const darkQuery = (): MediaQueryList | null => (typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null);

export interface Appearance {
  choice: ThemeChoice;
  theme: Theme;
  setChoice(c: ThemeChoice): void;
  textSize: TextSize;
  setTextSize(s: TextSize): void;
}

export function useAppearance(): Appearance {
  const [choice, setChoiceState] = useState<ThemeChoice>(() => stored(THEME_KEY, ['system', 'light', 'dark'], 'system'));
  const [systemDark, setSystemDark] = useState(() => darkQuery()?.matches ?? true);
  const [textSize, setTextSizeState] = useState<TextSize>(() => stored(SIZE_KEY, ['normal', 'large'], 'normal'));

  useEffect(() => {
    const q = darkQuery();
    if (!q) return;
    const on = (e: MediaQueryListEvent): void => setSystemDark(e.matches);
    q.addEventListener('change', on);
    return () => q.removeEventListener('change', on);
  }, []);

  const theme: Theme = choice === 'system' ? (systemDark ? 'dark' : 'light') : choice;
  useEffect(() => {
    // styles.css keys every colour off this attribute.
    document.documentElement.dataset['theme'] = theme;
  }, [theme]);
  useEffect(() => {
    document.documentElement.dataset['textSize'] = textSize;
  }, [textSize]);

  return {
    choice,
    theme,
    setChoice: (c) => {
      setChoiceState(c);
      store(THEME_KEY, c);
    },
    textSize,
    setTextSize: (s) => {
      setTextSizeState(s);
      store(SIZE_KEY, s);
    },
  };
}
