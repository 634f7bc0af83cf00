// Starts the vendored GraphiQL (api/static/graphiql/) against the endpoint that served the page.
(function () {
  var fetcher = GraphiQL.createFetcher({ url: window.location.pathname });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
      defaultQuery: '{\n  graph { store version loadedAt }\n}\n',
    })
  );
})();
