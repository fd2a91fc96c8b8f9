import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import ErrorIndex from './ErrorIndex.vue';
import './custom.css';

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('ErrorIndex', ErrorIndex);
  },
} satisfies Theme;
