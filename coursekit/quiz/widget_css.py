"""The quiz widget's CSS (scoped to ``.coursekit-quiz``), carried by the widget itself."""

# The widget carries its CSS (an HTML widget holding a <style>, scoped to .coursekit-quiz), so it looks the
# same in JupyterLab, Notebook 7 and rendered pages: ipywidgets gives each radio option a fixed one-line
# height and each checkbox label nowrap, so a long option ran over the next one and hid its button; these
# rules let options wrap, each with its button at the top left of its own text.
QUIZ_CSS = """
.coursekit-quiz .widget-radio-box, .coursekit-quiz .jupyter-widget-radio-box { height: auto; margin-bottom: 0; }
.coursekit-quiz .widget-radio, .coursekit-quiz .jupyter-widget-radio { width: auto; max-width: 100%; }
.coursekit-quiz .widget-radio-box label, .coursekit-quiz .jupyter-widget-radio-box label { display: flex;
  align-items: flex-start; gap: 0.5em; height: auto; min-height: 1.6em; line-height: 1.4; white-space: normal;
  overflow-wrap: anywhere; padding: 0.15em 0; }
.coursekit-quiz .widget-radio-box input, .coursekit-quiz .jupyter-widget-radio-box input {
  order: -1; float: none; flex: none; height: auto; margin: 0.2em 0 0 1px; }
.coursekit-quiz .widget-checkbox, .coursekit-quiz .jupyter-widget-checkbox {
  width: auto; max-width: 100%; height: auto; line-height: 1.4; }
.coursekit-quiz .widget-checkbox .widget-label-basic,
.coursekit-quiz .jupyter-widget-checkbox .jupyter-widget-label-basic { display: flex; align-items: flex-start;
  gap: 0.5em; white-space: normal; overflow: visible; line-height: 1.4; padding: 0.15em 0; }
.coursekit-quiz .widget-checkbox input[type='checkbox'],
.coursekit-quiz .jupyter-widget-checkbox input[type='checkbox'] { flex: none; align-self: flex-start;
  margin: 0.2em 0 0 1px; }
.coursekit-quiz .widget-checkbox .widget-label-basic span,
.coursekit-quiz .jupyter-widget-checkbox .jupyter-widget-label-basic span { white-space: normal; overflow: visible; }
.coursekit-quiz .coursekit-item-row { flex-wrap: wrap; gap: 0.3em; }
.coursekit-quiz .widget-html-content, .coursekit-quiz .jupyter-widget-html-content {
  white-space: normal; overflow-wrap: anywhere; }
.coursekit-quiz .coursekit-hint { margin-top: 0.3em; font-style: italic; }
"""
QUIZ_CSS += """
.coursekit-quiz .coursekit-item-row .widget-dropdown, .coursekit-quiz .coursekit-item-row .jupyter-widget-dropdown {
  width: auto; max-width: 100%; }
.coursekit-quiz .coursekit-item-row select { width: auto; max-width: 100%; }
.coursekit-quiz .widget-textarea, .coursekit-quiz .jupyter-widget-textarea { margin-left: 0; margin-right: 0;
  max-width: 100%; box-sizing: border-box; }
.coursekit-quiz textarea { box-sizing: border-box; max-width: 100%; resize: vertical; }
.coursekit-quiz .coursekit-details { margin: 0.2em 0 0.2em 1.2em; padding: 0; }
.coursekit-quiz .coursekit-why { margin-top: 0.3em; }
"""
