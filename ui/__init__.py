"""Streamlit page helpers: state, translations, sidebar and the widgets each page is made of."""
