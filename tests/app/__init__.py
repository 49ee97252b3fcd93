"""The real app script under Streamlit's AppTest, page by page."""
