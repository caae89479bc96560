"""Forecast accuracy: how well the claimed stage and the verified stage each predicted closed deals."""
