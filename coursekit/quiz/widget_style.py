"""CSS the quiz widget carries with it (an ``HTML`` widget holding a ``<style>``), so it
looks the same in JupyterLab, Notebook 7 and pages written by ``coursekit render``.

ipywidgets gives each radio option a fixed one-line height and each checkbox label
``white-space: nowrap``: a long option then runs over the next one, its button drifts
below the text and the filled circle of the chosen option is hidden. These rules let
options wrap, each with its button at the top left of its own text (ipywidgets puts the
radio input after the text and floats it left; in a flex row it is moved first instead). Every rule is scoped
to ``.coursekit-quiz``, so nothing else on the page changes.
"""

QUIZ_CSS = """
.coursekit-quiz .widget-radio-box, .coursekit-quiz .jupyter-widget-radio-box {
  height: auto; margin-bottom: 0; }
.coursekit-quiz .widget-radio, .coursekit-quiz .jupyter-widget-radio { width: auto; max-width: 100%; }
.coursekit-quiz .widget-radio-box label, .coursekit-quiz .jupyter-widget-radio-box label {
  display: flex; align-items: flex-start; gap: 0.5em; height: auto; min-height: 1.6em;
  line-height: 1.4; white-space: normal; overflow-wrap: anywhere; padding: 0.15em 0; }
.coursekit-quiz .widget-radio-box input, .coursekit-quiz .jupyter-widget-radio-box input {
  order: -1; float: none; flex: none; height: auto; margin: 0.2em 0 0 1px; }
.coursekit-quiz .widget-checkbox, .coursekit-quiz .jupyter-widget-checkbox {
  width: auto; max-width: 100%; height: auto; line-height: 1.4; }
.coursekit-quiz .widget-checkbox .widget-label-basic,
.coursekit-quiz .jupyter-widget-checkbox .jupyter-widget-label-basic {
  display: flex; align-items: flex-start; gap: 0.5em; white-space: normal; overflow: visible;
  line-height: 1.4; padding: 0.15em 0; }
.coursekit-quiz .widget-checkbox input[type='checkbox'],
.coursekit-quiz .jupyter-widget-checkbox input[type='checkbox'] {
  flex: none; align-self: flex-start; margin: 0.2em 0 0 1px; }
.coursekit-quiz .widget-checkbox .widget-label-basic span,
.coursekit-quiz .jupyter-widget-checkbox .jupyter-widget-label-basic span {
  white-space: normal; overflow: visible; }
.coursekit-quiz .coursekit-item-row { flex-wrap: wrap; gap: 0.3em; }
.coursekit-quiz .widget-html-content, .coursekit-quiz .jupyter-widget-html-content {
  white-space: normal; overflow-wrap: anywhere; }
.coursekit-quiz .coursekit-hint { margin-top: 0.3em; font-style: italic; }
"""


def style_widget():
    """An invisible ``HTML`` widget holding :data:`QUIZ_CSS`."""
    import ipywidgets as w

    widget = w.HTML(value=f"<style>{QUIZ_CSS}</style>", layout=w.Layout(height="0px", margin="0"))
    widget.add_class("coursekit-style")
    return widget
