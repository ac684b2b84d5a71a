// Defines the <tanager-chat> element for any page: starts Blazor WebAssembly (loaded with autostart="false" before this
// script) and renders Tanager's chat into each element. The server-url attribute becomes its ServerUrl; without it the
// page's base address is the server.
(() => {
  if (!document.querySelector('link[data-tanager]')) {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = new URL('_content/Tanager.Web/tanager.css', document.baseURI).href;
    link.setAttribute('data-tanager', '');
    document.head.append(link);
  }
  const started = Blazor.start();

  // Blazor.start() can resolve before the app's Main has registered <tanager-chat> for JavaScript ("Dynamic root
  // components have not been enabled"): that registration follows within moments, so try again for up to 30 s.
  async function add(element, parameters) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await Blazor.rootComponents.add(element, 'tanager-chat', parameters);
      } catch (error) {
        if (attempt >= 600 || !String(error && error.message).includes('not been enabled')) {
          throw error;
        }
        await new Promise(resolve => setTimeout(resolve, 50));
      }
    }
  }
  customElements.define('tanager-chat', class extends HTMLElement {
    async connectedCallback() {
      await started;
      if (!this.isConnected || this.component) {
        return;
      }
      const parameters = {};
      const serverUrl = this.getAttribute('server-url');
      if (serverUrl) {
        parameters.serverUrl = serverUrl;
      }
      this.component = add(this, parameters);
    }

    async disconnectedCallback() {
      const component = this.component;
      this.component = null;
      if (component) {
        (await component).dispose();
      }
    }
  });
})();
